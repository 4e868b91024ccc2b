"""Analyses: plain functions over a compiled :class:`~detente.space.StateSpace` that return data.

One module per analysis: ``stability`` (every solution concept), ``paths`` (status quo
analysis), ``coalitions``, ``explain``, ``strategies``, ``hypergame``, ``uncertainty``,
``inverse``, ``diagnose`` and ``graph`` (the transition graph).  They import the model, the
space and the engine, never a renderer or a face.
"""
