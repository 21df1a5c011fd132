"""Optional extras: the error raised when one is missing, and the pip command that installs each."""


class MissingExtraError(RuntimeError):
    """An optional dependency is not installed; the message says which pip install fixes it."""


def install_hint(extra: str) -> str:
    return f"pip install 'bytetrack-cpp[{extra}]'  (in a source checkout: pip install '.[{extra}]')"
