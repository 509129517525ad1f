"""What a chapter notebook calls to show its story: views, figures, tables, display."""
