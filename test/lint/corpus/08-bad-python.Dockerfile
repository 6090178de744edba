# expect: BL1001
FROM python
WORKDIR /app
COPY requirements.txt .
# expect: BL3006
RUN pip install -r requirements.txt
COPY app.py .
# expect: BL2001
USER root
CMD ["python", "app.py"]
