"""Reading a posted consent signature: the drawn PNG (a data URL), the name and photo choice.

Shared by the patient's consent page and the clinic tablet's witnessed signing, so both read
the same form the same way; the service decides whether it is a signature.
"""

from __future__ import annotations

import base64
import binascii

from starlette.datastructures import FormData

from microneedling.clinic.services.econsent import SignatureIn
from microneedling.errors import InvalidInput
from microneedling.web.pages._forms import text

DATA_URL_PREFIX = "data:image/png;base64,"


def read_signature(form: FormData) -> SignatureIn:
    """The posted signature form as the service's input; a problem names its field."""
    drawn = text(form, "signature") or ""
    if not drawn.startswith(DATA_URL_PREFIX):
        raise InvalidInput("signature", "please sign in the box")
    try:
        png = base64.b64decode(drawn[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "signature", "the signature could not be read; please sign again"
        ) from None
    photos = text(form, "photo_consent")
    if photos not in ("yes", "no"):
        raise InvalidInput("photo_consent", "please choose yes or no")
    name = text(form, "signer_name")
    if name is None:
        raise InvalidInput("signer_name", "please type your full name")
    return SignatureIn.model_validate(
        {"signer_name": name, "photo_consent": photos == "yes", "signature_png": png}
    )
