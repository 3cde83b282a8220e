# Spanish administrators write 86.400, as their spreadsheets do; Django's
# Spanish formats group thousands with a non-breaking space (86 400). Only
# this differs: every other format comes from Django's.
THOUSAND_SEPARATOR = "."
