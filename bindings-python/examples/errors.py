import siteverify

try:
    siteverify.Client(provider="prosopo", secret="my-secret-key", score_threshold=1.5)
except siteverify.ConfigurationError as e:
    print(e.code, "|", e)  # configuration | score_threshold must be within [0, 1] (0 = human, 1 = bot)
