"""Classifiers over the exemplar banks in `knowledge/`, shared by the capabilities.

The tiny default model labels at chance, so labels come from MiniLM vectors of authored examples:
a softmax probe (`probe`), a nearest-neighbour vote (`neighbours`) and sharp lexical cues. Several
capabilities need the same judgement (questions, the mock interview and the screen all ask "may
this be asked?"; the SWOT and the thank-you note both read note sentences), so it lives here, one
layer below them.
"""
