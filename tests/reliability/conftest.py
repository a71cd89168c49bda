from .figures import write


def pytest_sessionfinish(session, exitstatus):
    write()
