"""Branch Ledger (支部工作台账): the offline record of a small Party branch."""

__version__ = "0.1.0"
APP_NAME = "branch-ledger"
APP_DISPLAY_NAME = "支部工作台账"
