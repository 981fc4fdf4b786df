"""A test-only policy family: a flat fee per tonne delivered, to prove that a family is one
folder, one tariff folder and one registry line (issue 10, point 3)."""
