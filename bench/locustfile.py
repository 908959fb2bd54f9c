"""The locust side of bench/run.sh: each user loops GET /hello with no wait, over
geventhttpclient (FastHttpUser, locust's fastest client). --host comes from the command line."""
from locust import FastHttpUser, constant, task


class Hello(FastHttpUser):
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/hello")
