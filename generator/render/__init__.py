"""The page, in both formats: the view every renderer reads, measures, templates, fonts,
QR codes and images, then the PDF (WeasyPrint) and the DOCX (docxtpl)."""
