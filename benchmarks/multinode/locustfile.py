"""The mixed load of the multi-node run, for Locust (headless, one process, started by the scenario):
search 70 %, film and offer pages 20 %, bookings 8 %, counter validations 2 %.

Reads the seeded data from the JSON file named by MULTINODE_DATA; at the end writes every request
(time, kind, status, milliseconds) and the id of every booking it saw succeed to MULTINODE_EVENTS,
for the scenario's checks. Status 0 means no HTTP answer (connection reset or refused)."""

import json
import os
import random
import time

from locust import FastHttpUser, between, events, task

DATA = json.loads(open(os.environ["MULTINODE_DATA"], encoding="utf-8").read())  # noqa: SIM115
RECORDS: list[tuple[float, str, int, float]] = []
BOOKED: list[int] = []
VALIDATED: list[str] = []
COUNTERMARKS = list(DATA["countermarks"])
# 4xx answers that are the rules refusing (sold out, no credit left, already used...), not failures.
REFUSALS = {400, 403, 404, 409, 410, 422}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_):
    status = 0 if response is None else (getattr(response, "status_code", 0) or 0)
    RECORDS.append((round(time.time(), 3), name, int(status), round(response_time or 0.0, 2)))


@events.quitting.add_listener
def _write(environment, **_):
    with open(os.environ["MULTINODE_EVENTS"], "w", encoding="utf-8") as out:
        json.dump({"requests": RECORDS, "booked": BOOKED, "validated": VALIDATED}, out)


class Young(FastHttpUser):
    wait_time = between(0.05, 0.4)

    def _point(self) -> dict:
        lat, lon = random.choice(DATA["points"])
        return {"latitude": f"{lat:.5f}", "longitude": f"{lon:.5f}"}

    @task(40)
    def search_films(self):
        self.client.get("/api/native/v1/films", params=self._point(), name="search")

    @task(15)
    def search_offers(self):
        self.client.get("/api/native/v1/offers", params=self._point(), name="search")

    @task(15)
    def search_page(self):
        point = self._point()
        query = {"lat": point["latitude"], "lon": point["longitude"]}
        self.client.get("/recherche/", params=query, name="search")

    @task(12)
    def film_page(self):
        film_id, offer_id = random.choice(DATA["films"])
        self.client.get(f"/films/{film_id}/", params={"cinema": offer_id}, name="film_offer_page")

    @task(8)
    def offer(self):
        _, offer_id = random.choice(DATA["films"])
        self.client.get(f"/api/native/v1/offers/{offer_id}", name="film_offer_page")

    @task(8)
    def book(self):
        token = random.choice(DATA["access_tokens"])
        body = {"stockId": random.choice(DATA["stocks"]), "quantity": 1}
        with self.client.post(
            "/api/native/v1/bookings",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            name="booking",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                BOOKED.append(int(response.json()["bookingId"]))
                response.success()
            elif response.status_code in REFUSALS:
                response.success()

    @task(2)
    def counter(self):
        if not COUNTERMARKS:
            return
        token = COUNTERMARKS.pop()
        with self.client.request(
            "PATCH",
            f"/api/v2/bookings/use/token/{token}",
            headers={"Authorization": f"Bearer {DATA['api_key']}"},
            name="counter",
            catch_response=True,
        ) as response:
            if response.status_code == 204:
                VALIDATED.append(token)
                response.success()
            elif response.status_code in REFUSALS:
                response.success()
