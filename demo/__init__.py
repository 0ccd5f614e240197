"""The demo: the Safer Bromley Partnership built from its minutes, and a second fictional partnership.

`manage.py load_demo` creates or brings the demo up to date. The data is in `demo.data` (plain
Python data in the shapes of `demo.specs`); the code that turns it into rows is in `demo.build`,
and `demo.loader.demo_load` runs it all. The demo uses every other app and nothing uses the demo.
"""
