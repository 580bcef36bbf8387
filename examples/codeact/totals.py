# The CodeAct program an agent would write: fetch through host tools,
# compute, write an artifact to /output and print the answer.
import asyncio
import csv

users = call_tool("get_users")
# every user's orders at once: the calls are in flight together
orders = await asyncio.gather(*(call_tool("get_orders", user_id=u["id"]) for u in users))

rows = []
for user, theirs in zip(users, orders):
    total = sum(o["quantity"] * o["unit_price"] for o in theirs)
    rows.append((user["name"], len(theirs), round(total, 2)))
rows.sort(key=lambda r: -r[2])

with open("/output/totals.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["user", "orders", "grand_total"])
    w.writerows(rows)

for name, n, total in rows:
    print(f"{name:20} {n:2} orders {total:10.2f}")
