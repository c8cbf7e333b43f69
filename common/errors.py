"""The user-error type: bad input the user can fix, which every command reports as one line."""


class UserError(Exception):
    """Bad input the user can fix (a missing file, a corrupt image, an impossible value).

    `common.cli.run_main` prints it as one `error: ...` line and exits with status 2.
    """
