"""Takes os.fork away, as on Windows (bin/python-without-fork puts this folder on PYTHONPATH)."""
import os

del os.fork
