"""The administrative reform of 1 July 2025: legacy → 2025 communes, and carrying lists and money across."""
