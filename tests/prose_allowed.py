"""Numbers a notebook's prose may state without an output: cited published numbers and assumptions.

Keyed by the notebook's path from the repository root, then by the number as the prose writes it
(spaces and the sign ignored), with the citation or the reason. Keep each list short: a number
that the notebook computes belongs in an output, not here. Inputs the notebook's code sets
(a margin rate, a discount rate) need no entry: the test reads the code cells' literals too.
`tests/test_prose_numbers.py` uses this list.
"""

_LEVEL = "the conventional 95 % level of a confidence interval (about two standard errors either side)"

ALLOWED: dict[str, dict[str, str]] = {
    "notebooks/00-welcome.ipynb": {
        "40 %": "Boreal's data card (datasets/boreal/README.md): campaign 1's coupon price_discount",
        "95 %": _LEVEL,
    },
    "notebooks/01-transactional-vs-relationship.ipynb": {
        "60 $": "a worked example: 100 $ list price, 60 $ cost of goods (40 % margin), 60 $ paid with a 40 % coupon",
        "1.96": "the 97.5 % quantile of the standard normal distribution (a 95 % interval)",
    },
    "exercises/01-transactional-vs-relationship/01-transactional-vs-relationship.ipynb": {
        "0.25": "an example of the answer format (a quarter written as a share)",
    },
    "notebooks/03-cohorts-and-retention.ipynb": {
        "25 %": "Reichheld & Sasser (1990): five points fewer defections raise profits by 25 % to 85 %",
        "85 %": "Reichheld & Sasser (1990), the upper end of the same range",
        "1.01": "the definition of a 1 % improvement (multiply by 1.01), as Gupta, Lehmann & Stuart (2004)",
        "0.99": "the definition of a 1 % cheaper acquisition (multiply by 0.99)",
        "0.25": "a margin rate for the learner to try in Your turn (an input, not a result)",
        "0.60": "a margin rate for the learner to try in Your turn (an input, not a result)",
    },
    "notebooks/04-customer-lifetime-value.ipynb": {
        "60 %": "the goods' cost share implied by the assumed 40 % gross margin (Your turn 2)",
    },
    "exercises/03-cohorts-and-retention/03-cohorts-and-retention.ipynb": {
        "2.5 %": "an example of the answer format (a percentage change)",
    },
    "exercises/04-customer-lifetime-value/04-customer-lifetime-value.ipynb": {
        "2.5 %": "an example of the answer format (a percentage change)",
        "2.5": "the same example written as a number",
        "600 $": "a manager's hypothetical claim that the question asks the learner to test",
    },
    "notebooks/05-the-loyalty-ladder.ipynb": {
        "0.95 $": "assumption: the cost of one catalogue mailing (two a quarter make the 1.90 $ the code sets)",
        "1.10": "1 + the 10 % annual discount rate the code sets (ANNUAL_DISCOUNT = 0.10)",
    },
    "exercises/05-the-loyalty-ladder/05-the-loyalty-ladder.ipynb": {
        "35 %": "chapter 05's assumed margin rate, which the question replaces with 30 %",
    },
    "notebooks/07-non-contractual-customers.ipynb": {
        "95 %": _LEVEL,
        "1.10": "1 + the 10 % annual discount rate the code sets (annual_discount_rate=0.10)",
    },
    "notebooks/11-dialogue-and-contact-pressure.ipynb": {
        "0.15 %": "the industry's rule of thumb of 0.1-0.15 % unsubscribes per send (labelled as such)",
    },
    "notebooks/10-retention-campaigns.ipynb": {
        "70 %": "the top of the assumed 50-70 % range of a telecom's contribution margin on the monthly bill",
    },
    "notebooks/08-loyalty-programs.ipynb": {
        "1.05": "Boreal's data card (datasets/boreal/README.md): its loyalty program's true purchase-rate multiplier",
    },
    "exercises/00-welcome/00-welcome.ipynb": {
        "0.25": "an example of the answer format (a quarter written as a share)",
    },
    "exercises/06-contractual-retention/06-contractual-retention.ipynb": {
        "90 %": "chapter 06's output: the regular cohort's observed renewal rates after a few years",
    },
}
