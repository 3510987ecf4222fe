"""One module per subcommand: each calls the library and returns an exit code."""
