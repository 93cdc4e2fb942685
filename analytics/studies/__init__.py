"""Analysis plans in the web app: a coordinator's pre-specified analyses, versioned, audited and registered.

The plan itself is data (analytics.plans.spec); this app stores its versions, writes them through services and
shows them on pages. Coordinators and the data manager only: for anyone else every plan page is a 404.
"""
