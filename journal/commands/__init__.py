"""Commands of `journal` kept in modules of their own, beside `cli.py` and like it: they
parse and print, nothing more. Each is registered by one line in `cli.LAZY_COMMANDS` and
imported only when it runs (or `--help` lists it), so the everyday commands stay quick."""
