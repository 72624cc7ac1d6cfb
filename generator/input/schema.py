"""The JSON Schema of a dispatch's YAML as a person writes it (``congvan schema``).

:class:`generator.input.model.Dispatch` describes the dispatch *after* loading: a plan's
clusters already read from its CSV/XLSX file, dates as date objects. Editors see the
file as written: ``plan: {file: ke-hoach.csv}``, ``date: 2025-03-05`` (text to an
editor), ``date: 2022`` for a draft, ``prefix: kt``, ``urgency: khẩn``. This schema
describes that input, every shorthand the loader accepts, with a Vietnamese
description for every property (editors show it on hover) and examples.

It is written out here rather than derived from the model, because what a person
may write is not the model's shape. ``tests/test_schema.py`` keeps the two in step:
every field of the model has a property here, every YAML of the examples and tests
is valid, a document the schema accepts loads, and a sample of the documents the
loader refuses are refused here too. Checks that need more than one field or a file
(a day needs a month, a placeholder must be known, a province named once) stay with
the loader, which says what is wrong and where.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMA_FILE", "input_schema"]

#: The name ``congvan init`` gives the schema file beside the YAML it writes.
SCHEMA_FILE = "congvan.schema.json"

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_ID = "urn:congvan:schema:dispatch-input:1"


def _ci(word: str) -> str:
    """A regular-expression fragment matching ``word`` in any case (JSON Schema's
    patterns have no case-insensitive flag)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.upper() != c.lower() else ("\\." if c == "." else c)
                   for c in word)


def _text(description: str, *, examples: list[str] | None = None, max_length: int | None = None) -> dict[str, Any]:
    """A text a reader sees: at least one visible character, at most one field's length."""
    from generator.input.model import MAX_TEXT

    schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": max_length or MAX_TEXT,
                              "pattern": _TEXT_PATTERN, "description": description}
    if examples:
        schema["examples"] = examples
    return schema


def _list(items: dict[str, Any], description: str, *, min_items: int = 0, max_items: int | None = None,
          examples: list[Any] | None = None) -> dict[str, Any]:
    from generator.input.model import MAX_ITEMS

    schema: dict[str, Any] = {"type": "array", "items": items, "maxItems": max_items or MAX_ITEMS,
                              "description": description}
    if min_items:
        schema["minItems"] = min_items
    if examples:
        schema["examples"] = examples
    return schema


def _object(description: str, properties: dict[str, Any], required: list[str] | None = None,
            **more: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "description": description, "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = required
    schema.update(more)
    return schema


#: Characters the loader refuses in a text: C0/C1 controls other than the whitespace it
#: folds, U+FFFE/U+FFFF, and the common invisible formatting characters (soft hyphen,
#: zero-width spaces and joiners, bidirectional controls, byte order mark).
_BAD = ("\\u0000-\\u0008\\u000e-\\u001b\\u007f-\\u0084\\u0086-\\u009f\\u00ad\\u200b-\\u200f"
        "\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff\\ufffe\\uffff")
#: At least one visible character, none of :data:`_BAD`.
_TEXT_PATTERN = "^(?![\\s\\S]*[" + _BAD + "])[\\s\\S]*\\S"

#: A date as the YAML file has it: ``2022-09-12`` (an editor reads it as text).
_DATE_PATTERN = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"


def _date(description: str, example: str) -> dict[str, Any]:
    return {"type": "string", "pattern": _DATE_PATTERN, "description": description, "examples": [example]}


def input_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dispatch's YAML file as written."""
    from generator.input.model import MAX_ITEMS_OF

    issue_date = {
        "description": "Ngày ban hành (ô 4). Viết đủ ngày dạng NĂM-THÁNG-NGÀY (2025-03-05); bản dự thảo chỉ "
                       "ghi năm (2022) hoặc năm và tháng, để trống phần văn thư điền khi ban hành.",
        "oneOf": [
            _date("Ngày đủ, dạng NĂM-THÁNG-NGÀY.", "2025-03-05"),
            {"type": "integer", "minimum": 1945, "maximum": 2200, "description": "Chỉ năm (bản dự thảo).",
             "examples": [2022]},
            _object("Năm, và nếu đã biết thì tháng và ngày.", {
                "year": {"type": "integer", "minimum": 1945, "maximum": 2200, "description": "Năm."},
                "month": {"type": "integer", "minimum": 1, "maximum": 12, "description": "Tháng (1–12); "
                          "bỏ trống trong bản dự thảo."},
                "day": {"type": "integer", "minimum": 1, "maximum": 31, "description": "Ngày; cần có tháng."},
            }, ["year"], dependentRequired={"day": ["month"]}, examples=[{"year": 2022, "month": 9}]),
        ],
        "examples": ["2025-03-05", 2022, {"year": 2022, "month": 9}],
    }
    agency = _object("Cơ quan ban hành (ô 2) và cơ quan chủ quản nếu có.", {
        "name": _text("Tên đầy đủ của cơ quan, viết thường như trong câu; được in hoa ở đầu văn bản.",
                      examples=["Bộ Thông tin và Truyền thông"]),
        "header_lines": _list(_text("Một dòng của tên cơ quan."),
                              "Cách ngắt tên cơ quan thành các dòng ở đầu văn bản, mỗi mục một dòng; phải "
                              "đúng các chữ của tên. Mặc định: tự xuống dòng theo độ rộng cột.",
                              min_items=1, examples=[["Bộ Thông tin", "và Truyền thông"]]),
        "parent": _text("Cơ quan chủ quản, in hoa, không đậm, phía trên tên cơ quan.",
                        examples=["UBND tỉnh Bắc Ninh"]),
        "parent_lines": _list(_text("Một dòng của tên cơ quan chủ quản."),
                              "Cách ngắt tên cơ quan chủ quản thành các dòng, mỗi mục một dòng; phải đúng "
                              "các chữ của parent. Mặc định: congvan tự ngắt giữa các từ, không ngắt trong "
                              "một địa danh.", min_items=1,
                              examples=[["Ủy ban nhân dân", "tỉnh Bắc Ninh"]]),
    }, ["name"], dependentRequired={"parent_lines": ["parent"]})
    directive = _object("Một nhiệm vụ được đánh số (1., 2., …).", {
        "text": _text("Nội dung nhiệm vụ. Viết {deadline} ở chỗ in hạn chót, {annex:1} ở chỗ in tên "
                              "phụ lục thứ nhất (Phụ lục, Phụ lục I…).",
                      examples=["Các đơn vị gửi dự toán về Sở Tài chính trước ngày {deadline}."]),
        "items": _list(_text("Một ý nhỏ."), "Các ý nhỏ, được đánh a), b), c), d), đ), e)… theo thứ tự."),
        "deadline": _date("Hạn chót, dạng NĂM-THÁNG-NGÀY; được in ở chỗ {deadline} trong nội dung (như "
                          "9/9/2022).", "2022-09-09"),
    }, ["text"])
    body = _object("Nội dung công văn (ô 6), theo thứ tự đọc. Cần ít nhất một đoạn.", {
        "opening": _list(_text("Một đoạn."), "Các đoạn mở đầu, trước các nhiệm vụ."),
        "directives": _list(directive, "Các nhiệm vụ được đánh số 1., 2., …"),
        "contact": _list(_text("Một đoạn."), "Các đoạn sau các nhiệm vụ (đầu mối liên hệ, …)."),
        "closing": _text("Câu kết, ví dụ 'Trân trọng./.'.", examples=["Trân trọng./."]),
    }, anyOf=[{"required": [name], "properties": {name: {"minItems": 1}}}
              for name in ("opening", "directives", "contact")])
    qr_code = _object("Một mã QR in sau câu kết, có chú thích bên dưới.", {
        "caption": _text("Chú thích in dưới mã.", examples=["Tổ công nghệ số cộng đồng"]),
        "url": _text("Địa chỉ web đầy đủ, bắt đầu bằng https:// hoặc http://; càng ngắn mã càng dễ quét.",
                     examples=["https://onetouch.mic.gov.vn"]) | {"pattern": r"^https?://[^\s/]+[^\s]*$"},
    }, ["caption", "url"])
    authority = _object("Một dòng thẩm quyền ký có tiền tố: 'KT. BỘ TRƯỞNG'.", {
        "prefix": {"type": "string", "description": "Tiền tố: KT. (ký thay), TM. (thay mặt), TL. (thừa lệnh), "
                   "TUQ. (thừa ủy quyền) hoặc Q. (quyền); viết hoa hay thường, có hay không có dấu chấm.",
                   "pattern": r"^\s*(" + "|".join(_ci(p) for p in ("KT", "TM", "TL", "TUQ", "Q")) + r")\.?\s*$",
                   "examples": ["KT.", "TL."]},
        "of": _text("Thay cho ai: 'Bộ trưởng', 'Ủy ban nhân dân', …; được in hoa.", examples=["Bộ trưởng"]),
    }, ["prefix", "of"])
    signer = _object("Người ký (ô 7a–7c): thẩm quyền, chức vụ, họ tên.", {
        "authority": _list(authority, "Các dòng thẩm quyền, dòng ngoài cùng trước.",
                           examples=[[{"prefix": "KT.", "of": "Bộ trưởng"}]]),
        "title": _text("Chức vụ của người ký; được in hoa.", examples=["Thứ trưởng"]),
        "name": _text("Họ và tên người ký.", examples=["Nguyễn Huy Dũng"]),
        "signature_image": _text("Ảnh chữ ký (PNG nền trong suốt), đường dẫn tính từ thư mục của tệp YAML.",
                                 examples=["chu-ky.png"]),
        "seal_image": _text("Ảnh con dấu (PNG, đúng cỡ thật), che một phần ba bên trái chữ ký; cần có "
                            "signature_image.", examples=["con-dau.png"]),
    }, ["name"], anyOf=[{"required": ["title"]}, {"required": ["authority"], "properties": {
        "authority": {"minItems": 1}}}], dependentRequired={"seal_image": ["signature_image"]})
    distribution = _object("Nơi nhận (ô 9b) và ký hiệu người soạn thảo, số bản (ô 12).", {
        "recipients": _list(_text("Một dòng, không có '- ' ở đầu và ';' ở cuối."),
                            "Các dòng 'Nơi nhận'; công văn thường bắt đầu bằng 'Như trên'.",
                            examples=[["Như trên", "Bộ trưởng (để b/c)"]]),
        "archive": _list(_text("Một đơn vị lưu."), "Các đơn vị sau 'Lưu:'. Mặc định: [VT].",
                         examples=[["VT", "CĐSQG"]]),
        "archive_copies": {"type": "integer", "minimum": 1, "description": "Số bản lưu, in là '(2)'.",
                           "examples": [2]},
        "drafter": _text("Chữ viết tắt tên người soạn thảo (ô 12).", examples=["PL"]),
        "copies": {"type": "integer", "minimum": 1, "description": "Số bản phát hành (ô 12), in là '.(300)'; "
                   "cần có drafter.", "examples": [300]},
    }, ["recipients"], dependentRequired={"copies": ["drafter"]})
    marks = _object("Dấu độ mật, độ khẩn (ô 10a, 10b) và chỉ dẫn phạm vi lưu hành (ô 11).", {
        "secrecy": {"type": "string", "description": "Độ mật: Mật, Tối mật hoặc Tuyệt mật (viết hoa hay thường).",
                    "pattern": r"^\s*(" + "|".join(_ci(w) for w in ("mật", "tối mật", "tuyệt mật")) + r")\s*$",
                    "examples": ["MẬT"]},
        "urgency": {"type": "string", "description": "Độ khẩn: Khẩn, Thượng khẩn hoặc Hỏa tốc (viết hoa hay "
                    "thường).", "pattern": r"^\s*(" + "|".join(_ci(w) for w in (
                        "khẩn", "thượng khẩn", "hỏa tốc", "hoả tốc")) + r")\s*$", "examples": ["KHẨN"]},
        "circulation": _text("Chỉ dẫn phạm vi lưu hành (ô 11), ví dụ 'Lưu hành nội bộ'; được in hoa.",
                             examples=["Lưu hành nội bộ"]),
    })
    cluster = _object("Một dòng của bảng kế hoạch: một cụm tỉnh và khoảng ngày của cụm.", {
        "number": {"type": "integer", "minimum": 1, "description": "Số thứ tự. Mặc định: vị trí trong bảng."},
        "name": _text("Tên cụm. Mặc định: 'Cụm <số>'.", examples=["Cụm 1"]),
        "provinces": _list(_text("Tên một tỉnh, thành phố.", examples=["Bắc Giang"]),
                           "Các tỉnh, thành phố của cụm, mỗi tỉnh một lần trong cả bảng.", min_items=1,
                           max_items=MAX_ITEMS_OF["provinces"], examples=[["Bắc Giang", "Bắc Ninh"]]),
        "start": _date("Ngày bắt đầu, dạng NĂM-THÁNG-NGÀY.", "2022-09-12"),
        "end": _date("Ngày kết thúc, không trước ngày bắt đầu.", "2022-09-30"),
    }, ["provinces", "start", "end"])
    unit = _text("Chữ sau số tỉnh của một cụm: 'Cụm 1 (12 tỉnh)'. Mặc định: tỉnh.", examples=["tỉnh"])
    plan = {
        "description": "Bảng kế hoạch: các cụm tỉnh và khoảng ngày. Để ở tệp riêng (file: ke-hoach.csv, mở "
                       "bằng Excel) hoặc viết các cụm ngay trong YAML (clusters:).",
        "oneOf": [
            _object("Bảng kế hoạch ở một tệp CSV hoặc XLSX cạnh tệp YAML.", {
                "file": _text("Tệp CSV hoặc XLSX, mỗi dòng một cụm, với các cột TT, Cụm, Từ ngày, Đến ngày, "
                              "Tỉnh, thành phố; đường dẫn tính từ thư mục của tệp YAML.",
                              examples=["ke-hoach.csv", "ke-hoach.xlsx"]),
                "unit": unit,
            }, ["file"]),
            _object("Bảng kế hoạch viết ngay trong YAML.", {
                "clusters": _list(cluster, "Các cụm, mỗi cụm một dòng của bảng.", min_items=1,
                                  max_items=MAX_ITEMS_OF["clusters"]),
                "unit": unit,
            }, ["clusters"]),
        ],
        "examples": [{"file": "ke-hoach.csv"}],
    }
    annex = _object("Một phụ lục hoặc kế hoạch kèm theo, trên các trang riêng có số trang riêng.", {
        "heading": _text("Viết 'Phụ lục' nếu là phụ lục: congvan tự đánh số (một phụ lục in là 'Phụ lục', "
                         "từ hai phụ lục in là 'Phụ lục I', 'Phụ lục II', … theo thứ tự; ở chỗ khác viết "
                         "{annex:2} để in tên của phụ lục thứ hai). Bỏ trống với kế hoạch kèm theo "
                         "(KẾ HOẠCH …).", examples=["Phụ lục"])
        | {"pattern": "^" + _ci("phụ lục") + r"(\s+([IVXLCivxlc]+|[0-9]+))?$"},
        "title": _text("Tên phụ lục; được in hoa. Có thể viết {province_count}.",
                       examples=["Kế hoạch tổ chức tập huấn tại {province_count} địa phương"]),
        "attributes": _list(_object("Một dòng '- Nhãn: nội dung' của phụ lục.", {
            "label": _text("Nhãn.", examples=["Thời gian"]),
            "text": _text("Nội dung.", examples=["Tháng 9/2022."]),
        }, ["label", "text"]), "Các dòng '- Nhãn: nội dung' (Thời gian, Đối tượng, Nội dung, Hình thức, …)."),
        "lines": _list(_text("Một dòng, in đúng như viết."),
                       "Các dòng chữ không có nhãn, in đúng như viết, sau các dòng '- Nhãn: nội dung' (một "
                       "danh sách, một phụ lục chỉ có chữ).",
                       examples=[["1. Sở Thông tin và Truyền thông các tỉnh, thành phố.",
                                  "2. Các doanh nghiệp viễn thông."]]),
        "plan": plan,
    }, ["title"])
    per_province = _object("Khi gửi mỗi tỉnh một bản (congvan batch --per-province): ai nhận, và đoạn riêng "
                           "cho từng tỉnh.", {
        "recipient": _text("Dòng 'Kính gửi' của mỗi bản; {unit} là tỉnh / thành phố, {name} là tên tỉnh vào "
                           "ngày của công văn.", examples=["Ủy ban nhân dân {unit} {name}",
                                                            "Sở Thông tin và Truyền thông {unit} {name}"])
        | {"pattern": r"\{name\}"},
        "tones": {"type": "string", "enum": ["new", "old"], "description": "Kiểu đặt dấu thanh trong tên: new "
                  "(Hòa, Ủy, mặc định) hoặc old (Hoà, Uỷ)."},
        "paragraph": _text("Một đoạn riêng của mỗi bản, sau các nhiệm vụ. Có thể viết {province} (tỉnh Bắc "
                           "Giang), {cluster} (Cụm 1), {start} và {end} (12/9/2022), {province_count}.",
                           examples=["Lịch tập huấn tại {province} thuộc {cluster}, từ ngày {start} đến ngày "
                                     "{end}."]),
        "highlight": {"type": "boolean", "description": "true: tô nền dòng của tỉnh nhận trong bảng kế hoạch."},
    })
    copies = _object("Mỗi dòng của một danh sách một bản (như trộn thư của Word; congvan batch "
                     "--per-recipient): các sở, các xã…", {
        "file": _text("Danh sách (.xlsx hoặc .csv, như Excel lưu) cạnh tệp YAML, mỗi dòng một bản; khi có, "
                      "print, watch và serve tạo các bản theo danh sách mà không cần --per-recipient.",
                      examples=["danh-sach.xlsx"]),
        "recipient_column": _text("Cột được in sau 'Kính gửi' ở mỗi bản. Mặc định: cột có tiêu đề 'Kính gửi'.",
                                  examples=["Nơi nhận"]),
        "file_column": _text("Cột cho tên tệp (hoặc mã) của mỗi bản. Mặc định: cột 'Tên tệp' hoặc 'Mã' nếu "
                             "có, nếu không thì tên nơi nhận viết không dấu.", examples=["Mã đơn vị"]),
        "paragraph": _text("Một đoạn riêng của mỗi bản, sau các nhiệm vụ; viết {Tên cột} ở chỗ in ô của "
                           "dòng đó.", examples=["Lớp tập huấn của đơn vị khai giảng ngày {Ngày tập huấn} tại "
                                                 "{Địa điểm}."]),
    })
    return {
        "$schema": _DRAFT,
        "$id": _ID,
        "title": "Công văn (congvan)",
        "description": "Một công văn theo Nghị định 30/2020/NĐ-CP, viết bằng YAML cho lệnh congvan. Mỗi "
                       "trường có mô tả; các con số, chữ in hoa, đánh số do congvan tự làm.",
        "type": "object",
        "additionalProperties": False,
        "required": ["agency", "code", "place", "date", "subject", "recipients", "body", "signer", "distribution"],
        "properties": {
            "type_name": _text("Tên loại văn bản, dùng trong dòng dẫn chiếu của phụ lục. Mặc định: Công văn.",
                               examples=["Công văn"]),
            "agency": agency,
            "number": {"type": "integer", "minimum": 1, "description": "Số của văn bản; bỏ trống trong bản dự "
                       "thảo (in là khoảng trống để điền tay).", "examples": [123]},
            "code": _text("Ký hiệu sau dấu '/', không có dấu cách hay '/'.", examples=["BTTTT-CĐSQG"])
            | {"pattern": r"^\s*[^\s/]+\s*$"},
            "place": _text("Địa danh nơi ban hành.", examples=["Hà Nội"]),
            "date": issue_date,
            "subject": _text("Trích yếu nội dung, in sau 'V/v ' (không tự viết 'V/v').",
                             examples=["triển khai Kế hoạch bồi dưỡng, tập huấn cho Tổ công nghệ số cộng đồng"])
            | {"not": {"pattern": "^\\s*[Vv]/[Vv]\\b"}},
            "recipients": _list(_text("Một nơi nhận."), "Kính gửi: một hay nhiều nơi nhận.", min_items=1,
                                examples=[["Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh"]]),
            "body": body,
            "qr_codes": _list(qr_code, "Các mã QR in sau câu kết.", max_items=MAX_ITEMS_OF["qr_codes"]),
            "signer": signer,
            "distribution": distribution,
            "marks": marks,
            "footer": _list(_text("Một dòng."), "Ô 13: các dòng địa chỉ ở cuối trang 1.",
                            examples=[["Số 11 đường Lý Thái Tổ, tỉnh Bắc Ninh"]]),
            "annexes": _list(annex, "Các phụ lục, kế hoạch kèm theo.", max_items=MAX_ITEMS_OF["annexes"]),
            "per_province": per_province,
            "copies": copies,
            "templates": {"type": "string", "minLength": 1, "description": "Thư mục mẫu của riêng bạn, tính từ "
                          "thư mục của tệp YAML: dispatch.html.j2, annex.html.j2, page.css.j2 và dispatch.docx "
                          "trong đó thay cho mẫu có sẵn.", "examples": ["mau-rieng"]},
        },
    }
