"""Builds the two C extensions: the compiled twin of the visual-lines walk
(``crawler/pages/_walk.pyx``) and the GBK decoder (``crawler/pages/_gbk.pyx``).

Everything else is in pyproject.toml. Both are optional: where they cannot be built (no C
compiler or Python headers), the install goes on, and the walk in ``crawler/pages/lines.py``
and Python's GB18030 codec do the same work more slowly.
"""

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = cythonize([Extension("crawler.pages._walk", ["crawler/pages/_walk.pyx"],
                                  include_dirs=lxml.get_include()),
                        Extension("crawler.pages._gbk", ["crawler/pages/_gbk.pyx"])],
                       language_level=3, quiet=True)
for extension in extensions:
    extension.optional = True  # set after cythonize, which does not carry it over
setup(ext_modules=extensions)
