"""Sourcecheck's benchmark harness on the MedQuAD corpus: `python -m bench --help`. Not part of the product."""
