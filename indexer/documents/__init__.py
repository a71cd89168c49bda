"""Documents: files and texts in, cleaned and titled documents out (the first layer of the pipeline).

html_text    the visible text and publication metadata of an HTML page
provenance   where a document was first published: manifests, front matter, HTML metadata
loading      reading, decoding and cleaning a file or text into a Document of heading and paragraph blocks
"""
