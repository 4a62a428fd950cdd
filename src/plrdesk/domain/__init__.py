"""What a study is: typed ORM models, ids, value types and rules. Imports no Qt."""
