"""File helpers the golden generators share: reading test lines exactly as the Swift tests split them, and
writing outputs atomically."""
import hashlib
import os

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def read_lines(path):
    """The file's lines (UTF-8, split on \\n only, as the Swift tests split them) and the sha256 of its bytes."""
    raw = open(path, "rb").read()
    lines = raw.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, hashlib.sha256(raw).hexdigest()


def write(path, text):
    """Writes `text` to `path` through a temporary file renamed when complete."""
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")
