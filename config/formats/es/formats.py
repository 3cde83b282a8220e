"""Spanish numbers as the site's users write them: 1.234 and 86.400.

Django's ``es`` groups thousands with a non-breaking space (1 234); in
Colombia, and in the words of issue 16, it is a dot. Every other format is
Django's ``es``, which Django falls back to.
"""

THOUSAND_SEPARATOR = "."
