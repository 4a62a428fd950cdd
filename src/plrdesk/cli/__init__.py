"""The command line: argument parsing, passphrase sources, one handler per subcommand."""
