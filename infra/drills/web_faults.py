"""x"""


def web_term(r):
    raise NotImplementedError
