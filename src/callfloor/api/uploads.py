"""Routes that take one file in a multipart form (an import, a ticket's attachment).

They read the body themselves, to bound its size before parsing it, so FastAPI cannot infer
its schema: this is the request body their OpenAPI entry declares.
"""

from typing import Any

MULTIPART_FILE: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}
