"""Builds the compiled twin of the visual-lines walk (``crawler/pages/_walk.pyx``).

Everything else is in pyproject.toml. The extension is optional: where it cannot be built (no
C compiler or Python headers), the install goes on and the walk in ``crawler/pages/lines.py``
runs instead, giving the same lines more slowly.
"""

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = cythonize([Extension("crawler.pages._walk", ["crawler/pages/_walk.pyx"],
                                  include_dirs=lxml.get_include())],
                       language_level=3, quiet=True)
for extension in extensions:
    extension.optional = True  # set after cythonize, which does not carry it over
setup(ext_modules=extensions)
