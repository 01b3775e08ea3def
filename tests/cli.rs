//! The `xportcn` command-line tool, run as a process.
