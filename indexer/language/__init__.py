"""Language: the words and sentences of a cleaned document.

text       normalising text into word tokens and stems: what rules, the checker and queries compare
passages   splitting paragraphs into sentences (Punkt) and sentences into passages
"""
