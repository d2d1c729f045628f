"""microneedling: clinical knowledge, screening, planning and skin-response modelling for
collagen induction therapy, with the records a practice keeps."""

from microneedling.errors import InvalidInput, KnowledgeBaseError, RequestRefused

__version__ = "0.1.0"

__all__ = ["InvalidInput", "KnowledgeBaseError", "RequestRefused", "__version__"]
