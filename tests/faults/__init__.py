"""Fault drills: each starts a private stack on 127.0.0.1, breaks one part and checks nothing was lost."""
