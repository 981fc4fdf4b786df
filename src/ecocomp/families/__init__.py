"""The policy families, each one folder behind the `Family` contract (see `registry`)."""
