"""The district's own database (区县党委组织部门一侧): packages received from branches, their records,
certificates issued. A separate file from any branch's ledger, with its own small schema list."""
