"""The command line's exit codes, defined once."""

EXIT_OK = 0
EXIT_ERROR = 1  # a problem the user can act on (message printed)
EXIT_USAGE = 2  # bad arguments (argparse)
EXIT_BUG = 3  # an unexpected error: details are in the log file
EXIT_CANCELLED = 130  # interrupted (Ctrl-C); what was found so far is still printed
