"""The web app `journal serve` runs: pages for the phone and a JSON API, both through the
door (`journal.service.Journal`) as the command line goes, behind the access token."""
