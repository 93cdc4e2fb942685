"""The synthetic multicenter demo built by `manage.py seed_demo`.

`catalog` names the demo centers and people, `people` creates them, `cohort` plans synthetic cases as plain
data (no database), and `build` enters each plan through the same services a clinician's form uses.
"""
