"""How a study is kept: the encrypted file, keys, migrations, backups, search. Imports no Qt."""
