"""Checking: sentences and documents checked against the knowledge base, explained and scored.

evidence     each sentence's evidence status and explanation (`Checker`)
analysis     a document checked: its passages, each sentence's verdict, each passage's status
explain      why a sentence got its label; whether the knowledge base's own examples still hold
evaluate     the checker's precision and recall on hand-labelled sentences
"""
