"""Script formats of the one-shot face: awscli's ``text`` and ``table`` layouts, and cloudshell's ``tsv``.

Each takes data already made JSON-like (``output.jsonable``) and a ``show``
function that turns one value into the string printed (the output face passes
one that escapes control characters: cloud data is untrusted).
"""
