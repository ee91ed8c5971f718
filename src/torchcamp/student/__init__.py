"""What a student runs besides pytest: `torchcamp list`, `hint`, `reset`, `doctor`,
`solution` and `watch` (commands.py), and the public-checks run they share (checks.py)."""
