"""Uploads: no file bigger than settings.MAX_UPLOAD_FILE_BYTES is kept, in memory or on disk.

First of FILE_UPLOAD_HANDLERS: past the limit it stops handing chunks to Django's handlers (the rest of
the file is read from the connection and dropped) and gives the form an empty placeholder whose `size`
says how much was sent, so the form answers "too large" instead of silently ignoring the field.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """What the form receives instead of a file over the limit: no content, the size seen so far."""

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= settings.MAX_UPLOAD_FILE_BYTES:
            return raw_data
        if not self.oversized:
            self.oversized = True
            # The next handlers already hold the first part (a temporary file): let it go now.
            for handler in getattr(self.request, "upload_handlers", []):
                partial = getattr(handler, "file", None)
                if handler is not self and partial is not None:
                    partial.close()
        return None

    def file_complete(self, file_size):
        if not self.oversized:
            return None
        return OversizedUpload(
            self.file_name, self.content_type, self.received, self.charset, self.content_type_extra
        )
