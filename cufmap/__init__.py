"""cufmap: the map of the « Relais de la Coop Déc' » (Cités Unies France, 50 ans).

The package in layers, each importing only those below it (tests/test_architecture.py):
``relay`` (the data), ``places`` (where things are), ``storage`` (where the data lives),
``publish`` (what the public sees), ``editing`` (the editing session), ``app`` (the Streamlit
pages' glue), and the command line (``cli``); settings, errors and files at the bottom.
"""

__version__ = "0.2.0"
