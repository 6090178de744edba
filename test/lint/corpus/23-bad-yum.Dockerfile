# expect: BL7001
FROM centos:7
# expect: BL3005
RUN yum -y install httpd
# expect: BL3005, BL6003
RUN dnf install -y git
EXPOSE 80
USER apache
# expect: BL7003
CMD mount -t tmpfs none /var/cache/httpd && exec httpd -DFOREGROUND
