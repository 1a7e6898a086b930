"""The networks' domain: what a request may ask of a network, and what it gets back.

No HTTP here: every refusal is one of app/networks/errors.py's kinds, naming the field and
the problem, and app/api/errors.py gives each kind its status. Modules:

- errors.py: the refusals.
- validate.py: the checks that need the network (sizes, work and answer size).
- edits.py: build (a create body or a preset), patch, add and remove examples.
- passes.py: forward, predict, backward, the step's change, the gradient check.
- views.py: each response's shape, from one function per shape.
- history.py: recorded states, rewind, the trace table.
- replay.py: a state inside a step, recomputed from the step's start.
- frames.py: a step answered in frames, with the input plane (the page's Play).
- transfer.py: the export document and its import.
"""
