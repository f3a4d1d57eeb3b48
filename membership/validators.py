"""Checks on uploaded files, shared by the forms (field errors) and the services (the last guard)."""

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .constants import MAX_ATTACHMENT_BYTES

PDF_MAGIC = b"%PDF-"


def pdf_problem(upload: UploadedFile) -> str | None:
    """Why ``upload`` is not an acceptable attachment, in Japanese; ``None`` if it is.

    The type is judged by the file's first bytes, never by its name or the browser's content type.
    """
    name = upload.name or ""
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        return _("「%(name)s」は%(size)sあります。添付できるのは1ファイル%(limit)sまでです。") % {
            "name": name,
            "size": filesizeformat(upload.size),
            "limit": filesizeformat(MAX_ATTACHMENT_BYTES),
        }
    if not upload.size:
        return _("「%(name)s」は空のファイルです。") % {"name": name}
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        return _("「%(name)s」はPDFファイルではありません。PDF形式のファイルを添付してください。") % {"name": name}
    return None
