"""Text rules shared by every part: Vietnamese name normalisation and path-free messages."""
