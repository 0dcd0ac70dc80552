"""The master bus under its old import name (it lives in ``mix/master.py``)."""

from .mix.master import CEILING_DBFS, TARGET_LUFS, block_loudness, master

__all__ = ["CEILING_DBFS", "TARGET_LUFS", "block_loudness", "master"]
