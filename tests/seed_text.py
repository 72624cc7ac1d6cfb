"""The reference dispatch (tests/fixtures/seed.txt, a copy of shared/seed), as paragraphs.

The seed was extracted from a PDF: its line breaks are not paragraph breaks, so the
paragraphs below were joined by hand from it, word for word. Where the rendered
dispatch deliberately differs from the seed, the difference is listed in
``DEVIATIONS`` with the rule that causes it; nothing else may differ.
"""

HEADER = [
    "BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: /BTTTT-CĐSQG",
    "V/v triển khai Kế hoạch bồi dưỡng, tập huấn cho Tổ công nghệ số cộng đồng",
    "Hà Nội, ngày tháng năm 2022",
]

KINH_GUI = "Kính gửi: Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh"

BODY = [
    "Thực hiện Chương trình công tác năm 2022, Bộ Thông tin và Truyền thông phối hợp với Ủy ban "
    "nhân dân các tỉnh, thành phố trực thuộc trung ương tổ chức bồi dưỡng, tập huấn cho Tổ công "
    "nghệ số cộng đồng tại các địa phương trên cả nước theo hình thức trực tuyến và trực tiếp.",
    "Căn cứ Chương trình phối hợp số 35/CTr-BTTTT-TWĐTN ngày 01/4/2022 giữa Bộ Thông tin và "
    "Truyền thông và Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh giai đoạn 2022 - 2026; Kế "
    "hoạch số 557-KH/TWĐTN-BTTTT ngày 26/7/2022 giữa Trung ương Đoàn Thanh niên Cộng sản Hồ Chí "
    "Minh và Bộ Thông tin và Truyền thông về việc triển khai hoạt động Tổ Công nghệ số cộng đồng "
    "tại các địa phương, Bộ Thông tin và Truyền thông đề nghị Trung ương Đoàn Thanh niên Cộng sản "
    "Hồ Chí Minh tham gia phối hợp triển khai như sau:",
    "1. Chỉ đạo, quán triệt tới tất cả đoàn viên thanh niên tham gia bồi dưỡng, tập huấn trực "
    "tuyến về chuyển đổi số, kỹ năng số thông qua Nền tảng học trực tuyến mở đại trà (quét mã QR "
    "Code Tổ công nghệ số cộng đồng kèm theo). Mục tiêu đến hết tháng 11/2022, 100% đoàn viên "
    "thanh niên và thành viên Tổ công nghệ số cộng đồng được bồi dưỡng, tập huấn trực tuyến thông "
    "qua Nền tảng học trực tuyến mở đại trà.",
    "2. Chỉ đạo, quán triệt tới tất cả đoàn viên thanh niên tham gia kênh Zalo OA “Chuyển đổi số "
    "quốc gia” và chọn “Quan tâm” (quét mã QR kênh OA Zalo Chuyển đổi số quốc gia gửi kèm theo) "
    "để kịp thời nhận được, nắm bắt, cập nhật các chủ trương, định hướng, thông tin về các hoạt "
    "động chuyển đổi số quốc gia, các bộ, ngành, địa phương, làm nền tảng kiến thức phục vụ cho "
    "việc hướng dẫn, hỗ trợ người dân. Mục tiêu đến hết tháng 9/2022, 100% đoàn viên thanh niên "
    "là thành viên của kênh Zalo OA Chuyển đổi số quốc gia.",
    "3. Cử đầu mối phối hợp với Bộ Thông tin và Truyền thông tổ chức triển khai bồi dưỡng, tập "
    "huấn trực tiếp cho Tổ công nghệ số cộng đồng tại 63 địa phương trước thứ Sáu, ngày 9/9/2022. "
    "Mục tiêu đến hết tháng 9/2022, hoàn thành tổ chức bồi dưỡng, tập huấn cho 100% Tổ công nghệ "
    "số cộng đồng tại 63 địa phương trên cả nước (kế hoạch kèm theo).",
    "Đầu mối triển khai phía Bộ Thông tin và Truyền thông là Cục Chuyển đổi số quốc gia (tên gọi "
    "trước đây là Cục Tin học hóa). Thông tin liên hệ: Ông Mai Thanh Hải; điện thoại: "
    "0936.229.099; thư điện tử: mthai@mic.gov.vn.",
    "Trân trọng./.",
]

QR_CAPTIONS = ["Tổ công nghệ số cộng đồng", "Kênh Zalo OA Chuyển đổi số quốc gia"]

NOI_NHAN = [
    "Nơi nhận:",
    "- Như trên;",
    "- Bộ trưởng (để b/c);",
    "- Thứ trưởng Nguyễn Huy Dũng;",
    "- Lưu: VT, CĐSQG.",
]

SIGNER = ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Nguyễn Huy Dũng"]

ANNEX = [
    "KẾ HOẠCH TỔ CHỨC BỒI DƯỠNG, TẬP HUẤN TRỰC TIẾP CHO TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG TẠI 63 ĐỊA PHƯƠNG",
    "(Kèm theo Công văn số /BTTTT-CĐSQG ngày … tháng … năm 2022 của Bộ Thông tin và Truyền thông)",
    "- Thời gian: Tháng 9/2022. Mỗi địa phương diễn ra trong vòng 01 buổi.",
    "- Đối tượng: Tổ công nghệ số cộng đồng tại 63 địa phương trên cả nước.",
    "- Nội dung: Bồi dưỡng, tấp huấn, cung cấp thông tin cho các thành viên của Tổ công nghệ số "
    "cộng đồng về các chủ trương, chính sách, pháp luật về chuyển đổi số; hướng dẫn cài đặt, sử "
    "dụng nền tảng số, công nghệ số, kỹ năng số.",
    "- Hình thức: Trực tiếp tại các địa phương, kết hợp trực tuyến qua các điểm cầu hội nghị trực "
    "tuyến đến 100% cấp xã. Kế hoạch dự kiến như sau:",
]

PLAN_HEADERS = ["TT", "Cụm", "Thời gian", "Tỉnh, thành phố"]

#: (number, cluster cell, date range, provinces) as the seed prints them.
CLUSTERS = [
    ("1", "Cụm 1 (12 tỉnh)", "Từ ngày 12/9/2022 đến ngày 30/9/2022",
     "Bắc Giang, Bắc Ninh, Hải Dương, Hà Nội, Hà Nam, Hải Phòng, Hòa Bình, Hưng Yên, Nam Định, "
     "Ninh Bình, Quảng Ninh, Thái Bình"),
    ("2", "Cụm 2 (4 tỉnh)", "Từ ngày 13/9/2022 đến ngày 23/9/2022",
     "Thái Nguyên, Lạng Sơn, Bắc Kạn, Cao Bằng"),
    ("3", "Cụm 3 (5 tỉnh)", "Từ ngày 13/9/2022 đến ngày 23/9/2022",
     "Vĩnh Phúc, Phú Thọ, Yên Bái, Tuyên Quang, Hà Giang"),
    ("4", "Cụm 4 (4 tỉnh)", "Từ ngày 13/9/2022 đến ngày 23/9/2022",
     "Điện Biên, Lào Cai, Sơn La, Lai Châu"),
    ("5", "Cụm 5 (7 tỉnh)", "Từ ngày 12/9/2022 đến ngày 30/9/2022",
     "Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị, Thừa Thiên Huế, Đà Nẵng"),
    ("6", "Cụm 6 (6 tỉnh)", "Từ ngày 12/9/2022 đến ngày 30/9/2022",
     "Quảng Nam, Quảng Ngãi, Ninh Thuận, Phú Yên, Bình Định, Khánh Hòa"),
    ("7", "Cụm 7 (5 tỉnh)", "Từ ngày 13/9/2022 đến ngày 23/9/2022",
     "Lâm Đồng, Gia Lai, Đắk Lắk, Đắk Nông, Kon Tum"),
    ("8", "Cụm 8 (7 tỉnh)", "Từ ngày 11/9/2022 đến ngày 30/9/2022",
     "TP. Hồ Chí Minh, Đồng Nai, Bình Dương, Bình Phước, Tây Ninh, Bình Thuận, Bà Rịa - Vũng Tàu"),
    ("9", "Cụm 9 (6 tỉnh)", "Từ ngày 11/9/2022 đến ngày 30/9/2022",
     "Bến Tre, Trà Vinh, Đồng Tháp, Long An, Tiền Giang, Vĩnh Long"),
    ("10", "Cụm 10 (7 tỉnh)", "Từ ngày 11/9/2022 đến ngày 30/9/2022",
     "Cà Mau, Cần Thơ, An Giang, Hậu Giang, Sóc Trăng, Kiên Giang, Bạc Liêu"),
]

#: Groups of clusters whose date cell is one merged cell: consecutive clusters with the
#: same range (the seed merges 5–6 and 8–10; the rule also merges 2–4, which the seed
#: printed three times).
MERGED_DATE_GROUPS = [[1], [2, 3, 4], [5, 6], [7], [8, 9, 10]]

DEVIATIONS = {
    "Tiêu ngữ": "the seed writes en dashes; NĐ 30 §3 box 1 writes ' - ' hyphens with spaces",
    "annex reference": "the seed writes 'số:' and 'ngày … /… /2022'; NĐ 30 §6 writes 'số' and "
    "'ngày … tháng … năm 2022' with the same date rule as the header",
    "plan table": "every province list ends with '.' (the seed is inconsistent); clusters 2–4 "
    "share one merged date cell by the same rule as 5–6 and 8–10",
}
