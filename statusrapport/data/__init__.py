"""Reading and checking the project's data files; what a chapter reads (:mod:`.dataset`)."""
